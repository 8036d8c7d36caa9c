# syntax=docker/dockerfile:1
# `hific silo`: one silo of an archive cluster. Build from the repository root:
#   docker build -f deploy/silo.Dockerfile -t hific-silo:cpu .
#   docker build -f deploy/silo.Dockerfile --build-arg TORCH_DEVICE=cuda -t hific-silo:cuda .
# TORCH_DEVICE picks the LibTorch build (HiFiC.Codec's TorchDevice property): cpu, or cuda (LibTorch
# for CUDA 12.8 with its own CUDA runtime: the node needs only the NVIDIA driver and the container
# toolkit or the Kubernetes device plugin). Settings come from the environment (HiFiC__...),
# --config FILE or KEY=VALUE arguments at run time; nothing secret is in the image.
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TORCH_DEVICE=cpu
WORKDIR /src
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/ src/
# gcc builds libHiFiCScalarQuarantine.so (build/ScalarQuarantine.c, docs/codec.md), which defers
# TorchSharp's Scalar frees; optional: without gcc the image works as before, the silo logs it off.
RUN (apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*) \
    || echo "no gcc: the Scalar quarantine library is not built"
# The NuGet cache lives in a BuildKit cache mount: LibTorch is ~0.5 GB (CPU) or several GB (CUDA).
RUN --mount=type=cache,id=hific-nuget,target=/root/.nuget/packages \
    dotnet publish src/HiFiC.Cli/HiFiC.Cli.csproj -c Release -r linux-x64 --self-contained false \
      -p:TorchDevice=${TORCH_DEVICE} -o /app --nologo
# Shipped weights and model cards (models/<id>/ and models/retired/<id>-<digest12>/); the
# training history under models/*/training stays out (.dockerignore).
COPY models/ /app/models/

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}
ARG TORCH_DEVICE=cpu
LABEL org.opencontainers.image.title="hific-silo" \
      org.opencontainers.image.description="HiFiC archive cluster silo (hific silo), LibTorch ${TORCH_DEVICE}" \
      org.opencontainers.image.source="HiFiC.Cluster"
# The NVIDIA container runtime exposes the GPUs and the driver's compute libraries only when asked;
# harmless in the CPU image. The silo logs the device it computes on and reports it to the cluster view.
# Server GC, as Orleans recommends for silos (it warns at start otherwise).
ENV HIFIC_TORCH_DEVICE=${TORCH_DEVICE} \
    DOTNET_gcServer=1 \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    DOTNET_NOLOGO=1
WORKDIR /app
COPY --from=build /app/ /app/
# Folder archives (job sources and destinations given as paths) are mounted at /data, the same path
# on every silo and the web host. The base image's unprivileged user (APP_UID, 1654) owns it; nothing
# under /app is written.
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
# Orleans silo-to-silo and client gateway ports (HiFiC:Cluster:SiloPort / GatewayPort).
EXPOSE 11111 30000
# Healthy once the gateway listens: Orleans opens it when the silo is active in the cluster.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${HiFiC__Cluster__GatewayPort:-30000}"]
# exec form: dotnet is PID 1 and gets SIGTERM itself; the silo then stops taking items, hands its
# in-flight ones back to the queue, flushes progress and leaves the cluster (exit 0).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/hific.dll", "silo"]
