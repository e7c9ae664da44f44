# opsledger serve: the GitHub App's webhook server.
#   docker build -t opsledger .
#   docker run -p 3000:3000 -v opsledger-data:/data \
#     -e OPSLEDGER_APP_ID -e OPSLEDGER_PRIVATE_KEY -e OPSLEDGER_WEBHOOK_SECRET opsledger
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY schemas ./schemas
COPY scripts ./scripts
RUN npx tsc -p tsconfig.json && node scripts/precompile-schemas.mjs && npm prune --omit=dev --ignore-scripts

FROM node:24-slim
# git reads the mirrors; nothing else is installed.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schemas ./schemas
COPY templates ./templates
RUN mkdir /data && chown node:node /data
USER node
ENV NODE_ENV=production
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/opsledger.js"]
CMD ["serve", "--port", "3000", "--data", "/data"]
