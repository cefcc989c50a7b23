#!/usr/bin/env python3
"""bench/model: the whole model path of `archgate check` at estate scale.

Generates (in a temporary directory) a workspace of 10,000 components in 100
systems and 10 domains, 2,000 data assets, 10,000 data flows and trust
boundaries, and 50,000 Terraform resources in 5,000 files, each tagged with
the component it belongs to (a tenth linked by path globs instead). Then it
times, best of N runs on the release binary:

  model only   `archgate check` with no IaC root (load, validate, patterns,
               threats, DDD)
  IaC only     `archgate scan` of the same Terraform (no model)
  check        `archgate check` of the whole workspace: both, plus linking
               every resource to its component

and prints them side by side with peak memory and the number of findings.
The resources are well configured (few findings), so the numbers measure the
model path rather than the size of the report. Linking and threat
derivation are linear, so `check` should cost about model + IaC.

Usage: bench/model/run.py [--components N] [--resources M] [--runs R]
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "archgate"], cwd=ROOT, check=True)
    return os.path.join(target, "release", "archgate")


def generate(ws, components, resources):
    os.makedirs(os.path.join(ws, "catalog"))
    domains = 10
    systems = 100
    with open(os.path.join(ws, "catalog", "org.yaml"), "w") as f:
        for d in range(domains):
            f.write(f"---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{d}\nspec:\n  type: team\n  children: []\n")
            f.write(f"---\napiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: domain-{d}\nspec:\n  owner: group:team-{d}\n")
            f.write(f"---\napiVersion: archgate.dev/v1alpha1\nkind: TrustBoundary\nmetadata:\n  name: zone-{d}\nspec:\n  type: network-cloud-security-group\n  zone: internal\n")
        for s in range(systems):
            f.write(f"---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: system-{s}\nspec:\n  owner: group:team-{s % domains}\n  domain: domain-{s % domains}\n")
    archetypes = ["stateless-service", "stateful-service", "batch", "event-driven", "data-pipeline"]
    classes = ["public", "internal", "confidential", "restricted"]
    data = max(1, components // 5)
    with open(os.path.join(ws, "catalog", "data.yaml"), "w") as f:
        for i in range(data):
            f.write(f"---\napiVersion: archgate.dev/v1alpha1\nkind: DataAsset\nmetadata:\n  name: data-{i}\nspec:\n  owner: group:team-{i % domains}\n  classification: {classes[i % 4]}\n")
    per_file = components // 100
    for part in range(100):
        with open(os.path.join(ws, "catalog", f"components-{part:03}.yaml"), "w") as f:
            for j in range(per_file):
                i = part * per_file + j
                d = (i // per_file) % domains
                paths = f"    iac:\n      paths: [\"infra/c{i}/**\"]\n" if i % 10 == 0 else ""
                f.write(
                    f"---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{i}\nspec:\n"
                    f"  type: service\n  lifecycle: production\n  owner: group:team-{d}\n  system: system-{i % systems}\n"
                    f"  archgate:\n    tier: {1 + i % 4}\n    archetype: {archetypes[i % 5]}\n    boundary: zone-{d}\n"
                    f"    runbook: https://wiki.example/c{i}\n    onCall: https://pager.example/c{i}\n"
                    f"    dashboards: [https://grafana.example/c{i}]\n    rto: 15m\n    rpo: 5m\n    redundant: true\n"
                    f"    slo:\n      availability: 99.95\n    dataStored: [data-{i % data}]\n{paths}"
                )
        with open(os.path.join(ws, "catalog", f"flows-{part:03}.yaml"), "w") as f:
            for j in range(per_file):
                i = part * per_file + j
                t = (i * 7 + 1) % components
                f.write(
                    f"---\napiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata:\n  name: flow-{i}\nspec:\n"
                    f"  source: component:c{i}\n  target: component:c{t}\n  protocol: https\n  encrypted: true\n"
                    f"  authentication: token\n  authorization: technical-user\n  data: [data-{i % data}]\n"
                )
    files = resources // 10
    for k in range(files):
        c = k % components
        d = os.path.join(ws, "infra", f"c{c}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"r{k}.tf"), "w") as f:
            for r in range(10):
                tag = "" if c % 10 == 0 else f'  tags = {{\n    "archgate:component" = "c{c}"\n  }}\n'
                # Well-configured resources: a real estate has few findings per
                # resource, and this measures the model path, not report size.
                kind = r % 3
                if kind == 0:
                    f.write(f'resource "aws_sqs_queue" "q{k}_{r}" {{\n  name = "q{k}-{r}"\n  sqs_managed_sse_enabled = true\n{tag}}}\n\n')
                elif kind == 1:
                    f.write(f'resource "aws_kms_key" "k{k}_{r}" {{\n  description = "k{k}-{r}"\n  enable_key_rotation = true\n{tag}}}\n\n')
                else:
                    f.write(
                        f'resource "aws_cloudwatch_log_group" "l{k}_{r}" {{\n  name = "l{k}-{r}"\n  retention_in_days = 400\n'
                        f'  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/k{k}"\n{tag}}}\n\n'
                    )
    with open(os.path.join(ws, "archgate.yaml"), "w") as f:
        f.write("version: 1\nname: bench\niac:\n  roots: [infra]\n")


def timed(cmd, runs):
    best = None
    peak = 0
    findings = 0
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if p.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
        best = elapsed if best is None else min(best, elapsed)
        findings = len(json.loads(p.stdout)["findings"])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return best, peak, findings


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--components", type=int, default=10_000)
    ap.add_argument("--resources", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    exe = build()
    tmp = tempfile.mkdtemp(prefix="archgate-bench-model-")
    try:
        ws = os.path.join(tmp, "ws")
        t0 = time.perf_counter()
        generate(ws, a.components, a.resources)
        print(f"generated {a.components} components, {a.resources} resources in {time.perf_counter() - t0:.1f} s ({ws})")
        model_only = os.path.join(tmp, "model-only")
        shutil.copytree(os.path.join(ws, "catalog"), os.path.join(model_only, "catalog"))
        with open(os.path.join(model_only, "archgate.yaml"), "w") as f:
            f.write("version: 1\nname: bench\niac:\n  roots: [infra]\n")
        os.makedirs(os.path.join(model_only, "infra"))
        rows = [
            ("model only", [exe, "check", "--soft-fail", "--format", "json", model_only]),
            ("IaC only", [exe, "scan", "--soft-fail", "--format", "json", os.path.join(ws, "infra")]),
            ("check (model + IaC + links)", [exe, "check", "--soft-fail", "--format", "json", ws]),
        ]
        print(f"\n| run | best of {a.runs} (s) | findings | peak RSS so far (MiB) |\n|---|---|---|---|")
        for name, cmd in rows:
            best, peak, findings = timed(cmd, a.runs)
            print(f"| {name} | {best:.3f} | {findings} | {peak} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
