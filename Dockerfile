# torchvgg serve as a container: the addon is built against Debian's libtorch in one stage, and the
# runtime stage carries only libtorch's shared objects, node_modules without dev tools, dist/ and the addon.
#   docker build -t torchvgg .
#   docker run -p 8080:8080 -p 8081:8081 -v $PWD/model.pth:/models/model.pth:ro torchvgg
FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libtorch-dev cmake g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY CMakeLists.txt binding.gyp tsconfig.json ./
COPY native native
COPY lib lib
COPY scripts scripts
COPY proto proto
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libtorch1.13 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/build/Release/torchvgg.node build/Release/torchvgg.node
COPY --from=build /app/proto proto
ENV NODE_ENV=production
USER node
EXPOSE 8080 8081
# SIGTERM drains: readiness goes false, accepted requests finish, the process exits 0.
ENTRYPOINT ["node", "dist/cli/index.js", "serve", "--host", "0.0.0.0", "--port", "8080", "--grpc-port", "8081"]
CMD ["--weights", "/models/model.pth"]
