# syntax=docker/dockerfile:1.7
# check=error=true
#
# One Dockerfile for the three services (docs/adr/0003-one-dockerfile-three-targets.md):
#   docker build --target profiles|ingest|bff -t user-engagement/<name> .
# The build context is the repository root: the npm workspace and its lockfile live there.
#
# Stages: manifests -> deps (full npm ci) -> build (turbo, all services once)
#         manifests -> prod-manifests -> <service>-deps (npm ci --omit=dev for one workspace)
#         runtime + <service>-deps + built dist -> <service> (the final images)

# glibc (Debian) rather than musl: @node-rs/argon2, @bufbuild/buf, turbo and
# msgpackr-extract all ship prebuilt gnu binaries, and nothing gets compiled.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    TURBO_TELEMETRY_DISABLED=1
WORKDIR /app

# Only what `npm ci` reads, so its layer is rebuilt when a manifest or the lockfile
# changes, not on every source edit. Every workspace must be listed here
# (scripts/check-compose.sh fails if one is missing).
FROM base AS manifests
COPY package.json package-lock.json ./
COPY proto/package.json proto/
COPY packages/kit/package.json packages/kit/
COPY packages/profiles-client/package.json packages/profiles-client/
COPY packages/testing/package.json packages/testing/
COPY services/profiles/package.json services/profiles/
COPY services/ingest/package.json services/ingest/
COPY services/bff/package.json services/bff/
COPY services/review/package.json services/review/
COPY tools/demo/package.json tools/demo/
COPY tests/reliability/package.json tests/reliability/
COPY web/package.json web/
COPY bench/package.json bench/

# Everything the build needs (buf, ts-proto, tsc, turbo). --ignore-scripts: no
# dependency needs its install script to build here, and it keeps optional native
# add-ons of test-only packages from trying to compile.
FROM manifests AS deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts

# Builds all three services once; each final image copies only its own output.
FROM deps AS build
COPY tsconfig.base.json turbo.json ./
COPY proto/ proto/
COPY packages/ packages/
COPY web/ web/
COPY services/ services/
RUN npx --no-install turbo run build --filter=./services/* --output-logs=errors-only

# npm counts a workspace's devDependencies (e.g. @ue/testing, vitest, tsx) as production
# once it is linked, so they are dropped from every workspace manifest (the lockfile's
# workspace entries) before the production install. The lockfile still pins every
# version that remains.
FROM manifests AS prod-manifests
RUN node -e ' \
  const fs = require("node:fs"); \
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")); \
  const workspaces = Object.keys(lock.packages).filter((k) => k && !k.includes("node_modules/")); \
  for (const dir of workspaces) { \
    const file = dir + "/package.json", pkg = JSON.parse(fs.readFileSync(file, "utf8")); \
    delete pkg.devDependencies; \
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2)); \
  }'

FROM prod-manifests AS profiles-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --workspace=@ue/profiles

FROM prod-manifests AS ingest-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --workspace=@ue/ingest

FROM prod-manifests AS bff-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --workspace=@ue/bff

# node-llama-cpp's prebuilt CPU binaries are optional npm packages: kept, so the local model
# works when its GGUF file is mounted (docs/review.md); unused with REVIEW_PROVIDER=openai.
FROM prod-manifests AS review-deps
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --workspace=@ue/review

# Code and node_modules stay owned by root and read-only to the `node` user (uid 1000)
# the services run as.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
STOPSIGNAL SIGTERM

FROM runtime AS profiles
COPY --from=profiles-deps /app/ ./
COPY --from=build /app/proto/dist/ proto/dist/
COPY --from=build /app/proto/engagement/ proto/engagement/
COPY --from=build /app/packages/kit/dist/ packages/kit/dist/
COPY --from=build /app/services/profiles/dist/ services/profiles/dist/
WORKDIR /app/services/profiles
ENV PORT=7204 METRICS_PORT=7205
EXPOSE 7204 7205
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||7205)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS ingest
COPY --from=ingest-deps /app/ ./
COPY --from=build /app/proto/dist/ proto/dist/
COPY --from=build /app/proto/engagement/ proto/engagement/
COPY --from=build /app/packages/kit/dist/ packages/kit/dist/
COPY --from=build /app/packages/profiles-client/dist/ packages/profiles-client/dist/
COPY --from=build /app/services/ingest/dist/ services/ingest/dist/
WORKDIR /app/services/ingest
ENV PORT=7203
EXPOSE 7203
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7203)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS bff
COPY --from=bff-deps /app/ ./
COPY --from=build /app/proto/dist/ proto/dist/
COPY --from=build /app/proto/engagement/ proto/engagement/
COPY --from=build /app/packages/kit/dist/ packages/kit/dist/
COPY --from=build /app/packages/profiles-client/dist/ packages/profiles-client/dist/
COPY --from=build /app/web/dist/ web/dist/
COPY --from=build /app/web/public/ web/public/
COPY --from=build /app/services/bff/dist/ services/bff/dist/
WORKDIR /app/services/bff
ENV PORT=7202
EXPOSE 7202
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7202)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]

FROM runtime AS review
COPY --from=review-deps /app/ ./
COPY --from=build /app/proto/dist/ proto/dist/
COPY --from=build /app/proto/engagement/ proto/engagement/
COPY --from=build /app/packages/kit/dist/ packages/kit/dist/
COPY --from=build /app/packages/profiles-client/dist/ packages/profiles-client/dist/
COPY --from=build /app/services/review/dist/ services/review/dist/
COPY --from=build /app/services/review/prompts/ services/review/prompts/
COPY services/review/NOTICE services/review/
WORKDIR /app/services/review
ENV PORT=7206
EXPOSE 7206
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7206)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
