# tcss-emulator container image.
#
#   docker build -t tcss-emulator .
#   docker run --rm -p 4577:4577 tcss-emulator
#   docker run --rm -p 4577:4577 -v tcss-data:/data -e TCSS_EMULATOR_DB=/data/tcss.sqlite tcss-emulator
#   docker run --rm -p 4577:4577 -v "$PWD/my-fixtures:/fixtures:ro" \
#       -e TCSS_EMULATOR_FIXTURES=/fixtures tcss-emulator
#   docker run --rm -p 4577:4577 tcss-emulator serve --rate-limit 0   # flags after `serve`
#
# The final image is `scratch` + one statically linked binary (glibc, crt-static): no shell,
# no libc, no CA store (the emulator speaks plain HTTP only). It runs as UID/GID 65532.
# Configure it with the TCSS_EMULATOR_* variables (see README). Keep the port in
# TCSS_EMULATOR_LISTEN rather than `--listen`: the HEALTHCHECK reads the same variable.
# A named volume on /data starts out owned by 65532; a host directory bind-mounted there must
# be writable by 65532 (or run with `--user "$(id -u)"`). Mounted fixtures must be readable.
#
# podman: build with `--format docker`; its default OCI format drops the HEALTHCHECK.
#
# Base images are named in full (docker.io/library/...) so that podman finds them without
# short-name aliases or unqualified-search registries configured.
# Plain Dockerfile syntax on purpose (no `# syntax=`, heredocs, COPY --link/--chmod, cache
# mounts) so that both `docker build` and `podman build` take it.

# ---- manifests --------------------------------------------------------------------------
# Cargo.lock and every Cargo.toml of the context (the package and any workspace member, e.g.
# bench/), each with stub targets (src/main.rs, src/lib.rs and any `path = "*.rs"` the
# manifest names), so that cargo can load the workspace and build the dependencies without
# the real sources. This stage reruns on any change, but its output changes only with the
# manifests, so the dependency layer below stays cached while only sources change.
FROM docker.io/library/rust:1.95-slim-bookworm AS manifests
WORKDIR /ctx
COPY . .
RUN set -eux; \
    mkdir -p /out; \
    cp Cargo.lock /out/; \
    find . -path '*/target' -prune -o -name Cargo.toml -type f -print | while read -r m; do \
        d="/out/$(dirname "$m")"; \
        mkdir -p "$d/src"; \
        cp "$m" "$d/"; \
        echo 'fn main() {}' > "$d/src/main.rs"; \
        : > "$d/src/lib.rs"; \
        sed -n 's/^[[:space:]]*path[[:space:]]*=[[:space:]]*"\([^"]*\.rs\)".*/\1/p' "$m" \
        | while read -r t; do \
            [ -e "$d/$t" ] || { mkdir -p "$(dirname "$d/$t")"; echo 'fn main() {}' > "$d/$t"; }; \
        done; \
    done; \
    find /out -type f | sort

# ---- build ----------------------------------------------------------------------------
FROM docker.io/library/rust:1.95-slim-bookworm AS build
WORKDIR /build

# Static glibc for the target only. Building with an explicit `--target` keeps RUSTFLAGS
# away from build scripts and proc-macros (which must stay dynamic: without `--target`,
# rustc refuses "cannot produce proc-macro ... does not support these crate types"). The
# triple is the build machine's own (x86_64, aarch64, ...), read from rustc at build time.
ENV RUSTFLAGS="-C target-feature=+crt-static" \
    CARGO_TERM_COLOR=never

# 1) Dependencies only, in their own layer, built against the stub targets. This layer is
#    reused until a Cargo.toml or Cargo.lock changes.
COPY --from=manifests /out/ ./
RUN set -eux; \
    target="$(rustc -vV | sed -n 's/^host: //p')"; \
    cargo build --release --locked --target "$target" --bin tcss-emulator; \
    rm -rf src

# 2) The real sources. include_str! reads fixtures/ and migrations/ at compile time.
COPY src ./src
COPY migrations ./migrations
COPY fixtures ./fixtures
# COPY keeps the files' modification times, which can be older than the stub build above;
# touch them so cargo rebuilds this crate instead of keeping the stub's artifacts.
RUN set -eux; \
    target="$(rustc -vV | sed -n 's/^host: //p')"; \
    find src migrations fixtures -type f -exec touch {} +; \
    cargo build --release --locked --target "$target" --bin tcss-emulator; \
    mkdir -p /out/rootfs/usr/local/bin /out/rootfs/data /out/rootfs/tmp /out/rootfs/etc; \
    cp "target/$target/release/tcss-emulator" /out/rootfs/usr/local/bin/tcss-emulator; \
    chmod 1777 /out/rootfs/tmp; \
    chown 65532:65532 /out/rootfs/data; \
    echo 'root:x:0:0:root:/root:/sbin/nologin' > /out/rootfs/etc/passwd; \
    echo 'nonroot:x:65532:65532:nonroot:/data:/sbin/nologin' >> /out/rootfs/etc/passwd; \
    printf 'root:x:0:\nnonroot:x:65532:\n' > /out/rootfs/etc/group; \
    /out/rootfs/usr/local/bin/tcss-emulator --version; \
    if ldd /out/rootfs/usr/local/bin/tcss-emulator 2>/dev/null | grep -q '=>'; then \
        echo 'tcss-emulator is dynamically linked' >&2; exit 1; \
    fi

# ---- runtime --------------------------------------------------------------------------
FROM scratch
# /usr/local/bin/tcss-emulator, /data (owned by 65532), /tmp (1777, for SQLite temp files),
# and a minimal /etc/passwd + /etc/group naming UID 65532 "nonroot".
COPY --from=build /out/rootfs/ /

USER 65532:65532
WORKDIR /data
ENV TCSS_EMULATOR_LISTEN=0.0.0.0:4577
EXPOSE 4577
# Data survives the container only on a volume: pass TCSS_EMULATOR_DB=/data/tcss.sqlite
# (or `serve --db /data/tcss.sqlite`); without it the store is in memory.
VOLUME ["/data"]

# `tcss-emulator health` GETs http://127.0.0.1:<port of TCSS_EMULATOR_LISTEN>/_emulator/health.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/tcss-emulator", "health"]

# The binary handles SIGTERM itself (graceful stop, exit 0), so it can run as PID 1.
ENTRYPOINT ["/usr/local/bin/tcss-emulator"]
CMD ["serve"]
