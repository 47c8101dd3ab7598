# The dealergraph server: `docker build -t dealergraph .`, then run it with its configuration
# mounted (deploy/README.md has a whole deployment). The same image runs the vendor
# sandboxes with `dealergraph sandbox --host 0.0.0.0`.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY adapters adapters
COPY graph graph
COPY sandbox sandbox
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEALERGRAPH_CONFIG=/etc/dealergraph/dealergraph.toml
# The wheels are mounted for the install only, so they take no layer of their own.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir /wheels/*.whl
RUN useradd --system --uid 10001 --user-group --create-home \
        --home-dir /var/lib/dealergraph dealergraph
USER dealergraph:dealergraph
# data_dir: TOTP steps, OAuth tokens and, without a database, the SQLite records.
WORKDIR /var/lib/dealergraph
EXPOSE 8080
# Liveness on the port the configuration serves (8080 unless it says otherwise); the
# slim image has no curl, so Python asks.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"]
CMD ["dealergraph", "serve"]
