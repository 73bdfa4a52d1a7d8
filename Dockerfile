# One image for the worker, the simulator and the CLI (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The worker's audit checkpoints (RRM_AUDIT_CHECKPOINT_DIR in docker-compose.yml): a volume mounted
# here starts with this folder's owner, so the unprivileged user can write it.
RUN mkdir -p /var/lib/rrm/audit-checkpoints && chown node:node /var/lib/rrm/audit-checkpoints
USER node
CMD ["npx", "tsx", "workers/worker.ts"]
