# syntax=docker/dockerfile:1
# The web host (HTTP API, dashboard, /metrics). Build from the repository root:
#   docker build -f deploy/web.Dockerfile -t hific-web .
# An Orleans client of the silos (HiFiC__Web__Mode=Client, as docker-compose.yml and the Helm chart
# set it): the web project references the contracts only, so the image carries no codec, no LibTorch
# and no models (tests/HiFiC.Deployment.Tests/Images/WebImageContractTests checks it). A single
# machine in one container runs the silo image's `hific web` instead (the web host with its own silo):
#   docker run -p 8080:8080 -e Urls=http://+:8080 -v "$PWD/data:/data" -e HiFiC__Web__Roots__0=/data \
#     --entrypoint dotnet hific-silo:cpu /app/hific.dll web
# The API key and storage connection strings come from the environment at run time; nothing secret is in the image.
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/ src/
RUN --mount=type=cache,id=hific-nuget,target=/root/.nuget/packages \
    dotnet publish src/HiFiC.Cluster.Web/HiFiC.Cluster.Web.csproj -c Release -r linux-x64 --self-contained false \
      -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}
LABEL org.opencontainers.image.title="hific-web" \
      org.opencontainers.image.description="HiFiC archive cluster web host: dashboard, HTTP API, /metrics" \
      org.opencontainers.image.source="HiFiC.Cluster"
# Listen on every interface inside the container (the shipped appsettings.json says 127.0.0.1:5080
# for a developer's machine). No HiFiC__ settings here: an image's environment would override the
# settings files a deployment mounts (helm/hific-cluster's appsettings.Production.json).
ENV Urls=http://+:8080 \
    DOTNET_NOLOGO=1
WORKDIR /app
COPY --from=build /app/ /app/
# Folder archives live on a volume at /data, shared with the silos at the same path; the shipped
# default root "data" (relative to /app) points there too.
RUN mkdir -p /data && chown "$APP_UID" /data && ln -s /data /app/data
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/HiFiC.Cluster.Web.dll"]
