# A local equivalent of the official python:3.11-slim-bookworm image, for machines that reach no
# container registry (`devenv images bootstrap`): Debian bookworm's own python3.11 with venv and
# pip instead of a CPython built from source. `python`, `python3` and `pip` are on PATH as there.
# Differences: the interpreter lives in /usr/bin (the official one in /usr/local/bin), and pip is
# Debian's (which uses the system CA bundle, so the host's extra CAs apply).
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3.11 python3.11-venv python3-pip \
  && rm -rf /var/lib/apt/lists/* \
  # The official image does not mark its Python as externally managed (PEP 668); neither do we.
  && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED \
  && ln -s /usr/bin/python3.11 /usr/local/bin/python \
  && ln -s /usr/bin/python3.11 /usr/local/bin/python3 \
  && ln -s /usr/bin/pip3 /usr/local/bin/pip \
  && python --version && pip --version
ENV PYTHON_VERSION=3.11 LANG=C.UTF-8
CMD ["python3"]
