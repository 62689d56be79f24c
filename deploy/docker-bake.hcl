# Multi-architecture images, built with Docker Buildx (BuildKit) from the same Dockerfiles as the single-platform ones:
#
#   docker buildx create --use --name fleetgate            # once; QEMU (binfmt) emulates the other architectures
#   docker buildx bake -f deploy/docker-bake.hcl --push    # every image, every platform, to REGISTRY
#   docker buildx bake -f deploy/docker-bake.hcl agent --set '*.platform=linux/arm/v7' --load   # one, locally
#
# The agent runs on devices: amd64, arm64 (Raspberry Pi 3/4/5 on a 64-bit OS) and armv7 (32-bit Raspberry Pi OS).
# The servers run on amd64 and arm64 (Graviton, Ampere). Native bindings (ssh2's crypto, node-pty) are compiled for
# each platform inside its builder stage, under emulation on a foreign one: an armv7 build takes tens of minutes.
# node:20-bookworm publishes all three platforms, so the Dockerfiles need no per-platform lines.

variable "REGISTRY" {
  default = "fleetgate"
}

variable "TAG" {
  default = "latest"
}

group "default" {
  targets = ["api", "ssh", "worker", "ui", "agent"]
}

target "_common" {
  context = "."
  dockerfile = "deploy/Dockerfile.node"
  platforms = ["linux/amd64", "linux/arm64"]
}

target "api" {
  inherits = ["_common"]
  args = { APP = "api" }
  tags = ["${REGISTRY}/api:${TAG}"]
}

target "ssh" {
  inherits = ["_common"]
  args = { APP = "ssh" }
  tags = ["${REGISTRY}/ssh:${TAG}"]
}

target "worker" {
  inherits = ["_common"]
  args = { APP = "worker" }
  tags = ["${REGISTRY}/worker:${TAG}"]
}

target "ui" {
  context = "."
  dockerfile = "deploy/Dockerfile.ui"
  platforms = ["linux/amd64", "linux/arm64"]
  tags = ["${REGISTRY}/ui:${TAG}"]
}

# What `GET /install --method container` runs (AGENT_IMAGE); the platform is picked by the device's Docker.
target "agent" {
  inherits = ["_common"]
  target = "agent"
  args = { APP = "agent" }
  platforms = ["linux/amd64", "linux/arm64", "linux/arm/v7"]
  tags = ["${REGISTRY}/agent:${TAG}"]
}
