import http from 'node:http';

/**
 * Baseline H0 for the ingress bench: a bare node:http server that reads the request body
 * and answers 200 with an empty body. Run as a child process: `node baseline-server.ts PORT`.
 */
const port = Number(process.argv[2]);
const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.statusCode = 200;
    res.end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
