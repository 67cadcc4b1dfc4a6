# Build: a release binary. Runtime: Debian slim with SoftHSM2, a non-root user.
FROM rust:1-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libssl-dev && rm -rf /var/lib/apt/lists/*
COPY Cargo.toml Cargo.lock askama.toml ./
COPY src src
COPY migrations migrations
COPY static static
COPY assets assets
COPY benches benches
COPY tests tests
RUN cargo build --release --bin cloudseal

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends softhsm2 opensc ca-certificates libssl3 openssl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/cloudseal cloudseal \
 && install -d -o cloudseal -g cloudseal -m 700 /var/lib/cloudseal/hsm
COPY --from=build /src/target/release/cloudseal /usr/local/bin/cloudseal
COPY hsm-config /usr/share/cloudseal/hsm-config
# SoftHSM tokens live in a volume owned by the service user; mount a vendor module instead by
# setting CLOUDSEAL_HSM__MODULE.
ENV SOFTHSM2_CONF=/var/lib/cloudseal/hsm/softhsm2.conf
USER cloudseal
WORKDIR /var/lib/cloudseal
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/cloudseal"]
CMD ["serve"]
