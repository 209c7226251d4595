# A local equivalent of the official node:<version>-bookworm-slim image, for machines that reach
# no container registry (`devenv images bootstrap`). The build context holds the two npm-registry
# tarballs devenv downloaded and checked against the registry's sha512 integrity: node-linux-<arch>
# (the release binary of Node) and npm (the version that Node release bundles, from its changelog).
# Differences from the official image: no yarn or corepack; ca-certificates and the host's extra CA
# certificates are installed (base-debian), so npm and pip work behind a TLS-inspecting proxy.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE} AS unpack
ADD node.tgz /opt/node/
ADD npm.tgz /opt/npm/

FROM ${DEBIAN_IMAGE}
ARG NODE_VERSION
ARG NPM_VERSION
COPY --from=unpack /opt/node/package/bin/node /usr/local/bin/node
COPY --from=unpack /opt/npm/package/ /usr/local/lib/node_modules/npm/
# The official image's `node` user (uid 1000), so Dockerfiles written for it work unchanged.
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && groupadd --gid 1000 node \
  && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
  && node --version && npm --version
# Node ships its own CA list; the system bundle adds the host's extra CAs (see above).
ENV NODE_VERSION=${NODE_VERSION} NPM_VERSION=${NPM_VERSION} \
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
