# One image, four roles (web, worker, scheduler, and the WeCom sandbox): see docker-compose.yml.
# tests/e2e/production-shape.e2e.test.ts builds what this file lays out, reading it step by
# step (tests/helpers/image-layout.ts), and runs the compose services from it.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# package.json depends on file:vendor/msgpackr-extract-disabled: npm ci links it from here.
COPY vendor ./vendor
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# pino-pretty is a devDependency, pruned above: the image logs JSON (docker-compose.yml
# also sets LOG_FORMAT=json over .env).
ENV NODE_ENV=production DATA_DIR=/data LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/vendor ./vendor
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
# The data volume (spool, sandbox state) belongs to the user Fenji runs as: a new named
# volume mounted here takes this directory's owner.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# A larger young generation: the ingress allocates a little per request, and fewer
# scavenges bought ~10-15% callbacks/s in `npm run bench -- ingress`.
ENTRYPOINT ["node", "--max-semi-space-size=32", "dist/main.js"]
CMD ["--role=web"]
