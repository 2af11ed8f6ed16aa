# The crawler's image: the scheduler (`crawler schedule run`) is the default command.
# Built with the same scripts/install.sh that `make demo` / `make test` / CI run, so CI exercises
# these steps. docker-compose.yml runs it beside mongo:7 (MONGO_URI); the image carries no
# embedded database: without MONGO_URI the container says so and exits 2. /data is a named
# volume, or a bind mount owned by uid 10001 (or by the user the container runs as).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VENV=/opt/venv \
    EXTRAS="" \
    PATH=/opt/venv/bin:$PATH \
    CRAWLER_DATA_DIR=/data \
    CRAWLER_SCHEDULES=/etc/crawler/schedules.yaml

WORKDIR /app

# Debian's chromium for pages that need a browser (scrapy-playwright drives it); no downloads.
# tini: PID 1 that reaps every process, so a killed crawl's browser driver and Chromium never
# linger as zombies.
COPY scripts/install.sh scripts/install.sh
RUN scripts/install.sh --debian chromium tini \
    && rm -rf /var/lib/apt/lists/*

# The package (crawler, spiders, pipelines) into /opt/venv.
COPY pyproject.toml scrapy.cfg ./
COPY crawler/ crawler/
COPY spiders/ spiders/
COPY pipelines/ pipelines/
RUN scripts/install.sh --python

# A schedule to start from; mount your own over it (see docker-compose.yml).
COPY schedules.example.yaml /etc/crawler/schedules.yaml
# Checks MONGO_URI and that /data is writable, each a one-line message and exit 2 when not.
COPY scripts/docker-entrypoint.sh /usr/local/bin/crawler-entrypoint

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin crawler \
    && mkdir -p /data \
    && chown crawler:crawler /data
USER crawler
VOLUME ["/data"]

# Healthy while the scheduler's heartbeat is fresh (it writes one every few seconds).
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
    CMD ["crawler", "schedule", "status"]

# SIGTERM (docker stop) stops it cleanly: running crawls get SIGTERM, then are killed after
# CRAWLER_SCHEDULE_STOP_TIMEOUT seconds; give `docker stop -t` / stop_grace_period more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "crawler-entrypoint"]
CMD ["crawler", "schedule", "run"]
