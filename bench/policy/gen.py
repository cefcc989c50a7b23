#!/usr/bin/env python3
"""Writes N deterministic Kubernetes Deployments (one YAML file each) for
bench/policy: 1-3 containers, optional init containers, env vars, probes,
resources and security contexts, some compliant and some not — the same
mix of shapes as the research workload (about 2.8 KB of JSON per input).

usage: gen.py N OUT_DIR
"""
import json
import os
import sys


class Rng:
    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        # xorshift64*: deterministic across Python versions.
        x = self.s
        x ^= (x >> 12)
        x ^= (x << 25) & 0xFFFFFFFFFFFFFFFF
        x ^= (x >> 27)
        self.s = x
        return (x * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return self.next() % n

    def chance(self, pct):
        return self.below(100) < pct


REGISTRIES = ["registry.example.com/", "docker.io/", "quay.io/", "ghcr.io/acme/"]
IMAGES = ["api", "web", "worker", "nginx", "redis", "envoy", "batch"]
TAGS = ["1.0.3", "latest", "2.4", "sha256:" + "ab" * 32, ""]


def container(rng, name):
    image = rng_pick(rng, REGISTRIES) + rng_pick(rng, IMAGES)
    tag = rng_pick(rng, TAGS)
    if tag.startswith("sha256:"):
        image += "@" + tag
    elif tag:
        image += ":" + tag
    c = {"name": name, "image": image, "ports": [{"containerPort": 8000 + rng.below(1000)}]}
    if rng.chance(70):
        c["env"] = [{"name": "VAR_%d" % i, "value": "value-%d" % rng.below(10000)} for i in range(2 + rng.below(10))]
        if rng.chance(15):
            c["env"].append({"name": "DB_PASSWORD", "value": "hunter2"})
    if rng.chance(75):
        c["resources"] = {
            "requests": {"cpu": "%dm" % (50 + rng.below(500)), "memory": "%dMi" % (64 + rng.below(512))},
            "limits": {"cpu": "%dm" % (500 + rng.below(2000)), "memory": "%dMi" % (128 + rng.below(4096))},
        }
    if rng.chance(70):
        c["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 5}
    if rng.chance(65):
        c["readinessProbe"] = {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10}
    if rng.chance(80):
        sc = {"allowPrivilegeEscalation": not rng.chance(80), "readOnlyRootFilesystem": rng.chance(60)}
        if rng.chance(60):
            sc["runAsNonRoot"] = True
        if rng.chance(8):
            sc["privileged"] = True
        if rng.chance(50):
            sc["capabilities"] = {"drop": ["ALL"]}
        if rng.chance(10):
            sc.setdefault("capabilities", {})["add"] = ["NET_ADMIN"]
        c["securityContext"] = sc
    return c


def rng_pick(rng, xs):
    return xs[rng.below(len(xs))]


def deployment(rng, i):
    name = "app-%05d" % i
    pod = {"containers": [container(rng, "c%d" % k) for k in range(1 + rng.below(3))]}
    if rng.chance(30):
        pod["initContainers"] = [container(rng, "init")]
    if rng.chance(5):
        pod["hostNetwork"] = True
    if rng.chance(40):
        pod["securityContext"] = {"runAsNonRoot": True, "runAsUser": 10000 + rng.below(1000)}
    if rng.chance(20):
        pod["volumes"] = [{"name": "data", "hostPath": {"path": "/var/lib/data"}}] if rng.chance(30) else [{"name": "tmp", "emptyDir": {}}]
    labels = {"app": name}
    if rng.chance(70):
        labels["team"] = "team-%d" % rng.below(20)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": name,
            "namespace": "ns-%d" % rng.below(30),
            "labels": labels,
            "annotations": {"example.com/owner": "team-%d@example.com" % rng.below(20), "example.com/revision": str(rng.below(99999))},
        },
        "spec": {
            "replicas": 1 + rng.below(5),
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = Rng(0x9E3779B97F4A7C15)
    total = 0
    for i in range(n):
        d = deployment(rng, i)
        total += len(json.dumps(d))
        # JSON is YAML: the files are read by the YAML parser, as conftest reads .yaml.
        with open(os.path.join(out, "deploy-%05d.yaml" % i), "w") as f:
            json.dump(d, f, indent=1)
    print("wrote %d manifests (%.1f KB of JSON each) to %s" % (n, total / n / 1024, out), file=sys.stderr)


if __name__ == "__main__":
    main()
