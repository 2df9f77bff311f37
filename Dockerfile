# One image, three roles (web, worker, scheduler): see docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
USER node
EXPOSE 3000
# A larger young generation: the ingress allocates a little per request, and fewer
# scavenges bought ~10-15% callbacks/s in `npm run bench -- ingress`.
ENTRYPOINT ["node", "--max-semi-space-size=32", "dist/main.js"]
CMD ["--role=web"]
