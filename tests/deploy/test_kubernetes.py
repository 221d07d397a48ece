"""deploy/kubernetes: every manifest validates against the Kubernetes JSON schemas (strict: an
unknown or misspelt field fails), offline, with kubernetes-validate (the schemas ship inside the
package), and the pieces agree with each other, with the image and with the service."""

from __future__ import annotations

import copy
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from fastapi.testclient import TestClient

from cds_hooks.config.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy/kubernetes"
# The oldest Kubernetes still commonly run by hospitals' platforms, and the newest the validator
# knows: the manifests must be valid for both.
VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())
KINDS = {
    "ConfigMap",
    "Secret",
    "Deployment",
    "Service",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
}


def _manifests() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            found[document["kind"]] = document
    return found


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict[str, Any]]:
    return _manifests()


@pytest.fixture(scope="module")
def container(manifests: dict[str, dict[str, Any]]) -> dict[str, Any]:
    (only,) = manifests["Deployment"]["spec"]["template"]["spec"]["containers"]
    return dict(only)


def test_the_manifests_hold_each_kind_the_deployment_needs(
    manifests: dict[str, dict[str, Any]],
) -> None:
    assert set(manifests) == KINDS


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_validates_against_the_kubernetes_schemas(
    manifests: dict[str, dict[str, Any]], version: str
) -> None:
    for kind, manifest in manifests.items():
        assert kubernetes_validate.validate(manifest, version, strict=True), kind


def test_the_validation_can_fail(manifests: dict[str, dict[str, Any]]) -> None:
    broken = copy.deepcopy(manifests["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["paht"] = "/x"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[0], strict=True)
    wrong_type = copy.deepcopy(manifests["HorizontalPodAutoscaler"])
    wrong_type["spec"]["minReplicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, VERSIONS[0], strict=True)


def test_the_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    assert [i["name"] for i in kustomization["images"]] == ["trd-cds"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_the_kustomization_renders_and_the_result_validates() -> None:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    documents = list(yaml.safe_load_all(rendered))
    assert {d["kind"] for d in documents} == KINDS
    for document in documents:
        kubernetes_validate.validate(document, VERSIONS[0], strict=True)
    deployment = next(d for d in documents if d["kind"] == "Deployment")
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "registry.example-hospital.org/trd-cds:0.1.0"  # set by the kustomization


# -- the pieces agree ---------------------------------------------------------------------------


def test_probes_are_livez_and_readyz_on_the_container_port(
    container: dict[str, Any], client: TestClient
) -> None:
    (port,) = container["ports"]
    assert port["name"] == "http" and port["containerPort"] == 8080
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert client.get(container[probe]["httpGet"]["path"]).status_code == 200


def test_the_container_port_is_the_images_and_gunicorns(container: dict[str, Any]) -> None:
    env = {e["name"]: e for e in container["env"]}
    assert env["TRD_CDS_BIND"]["value"] == "0.0.0.0:8080"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "EXPOSE 8080" in dockerfile and "TRD_CDS_BIND=0.0.0.0:8080" in dockerfile


def test_resources_are_requested_and_limited(container: dict[str, Any]) -> None:
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) == {"cpu", "memory"}


def test_it_runs_as_the_images_non_root_user_on_a_read_only_root_filesystem(
    manifests: dict[str, dict[str, Any]], container: dict[str, Any]
) -> None:
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's `trd` user
    assert "--uid 10001" in (ROOT / "Dockerfile").read_text()
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    # The only writable place is an emptyDir on /tmp, where the metrics files go.
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")


def test_the_configmap_is_the_config_file_and_the_secret_gives_the_database_url(
    manifests: dict[str, dict[str, Any]],
    container: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {e["name"]: e for e in container["env"]}
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    config_volume = next(v for v in pod["volumes"] if "configMap" in v)
    assert config_volume["configMap"]["name"] == manifests["ConfigMap"]["metadata"]["name"]
    assert env["TRD_CDS_CONFIG"]["value"] == f"{mounts[config_volume['name']]}/config.toml"

    ref = env["TRD_CDS_DATABASE__URL"]["valueFrom"]["secretKeyRef"]
    secret = manifests["Secret"]
    assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]

    config = tmp_path / "config.toml"
    config.write_text(manifests["ConfigMap"]["data"]["config.toml"])
    tomllib.loads(config.read_text())
    monkeypatch.setenv("TRD_CDS_DATABASE__URL", secret["stringData"][ref["key"]])
    monkeypatch.setenv("TRD_CDS_SECRETS_DIR", str(tmp_path))
    settings = load_settings(config)
    assert settings.database.url == secret["stringData"][ref["key"]]
    assert settings.database.url.startswith("postgresql+psycopg://")
    assert settings.source.environment == ("database.url",)
    # Several replicas: auth on, and the state they must share is in the database.
    assert settings.auth.required and settings.server.public_url.startswith("https://")
    assert settings.auth.replay_store == "database"
    assert settings.timeline.store == "database"
    assert "*" not in settings.server.cors_origins


def test_service_hpa_and_pdb_select_the_deployments_pods(
    manifests: dict[str, dict[str, Any]],
) -> None:
    deployment = manifests["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = manifests["Service"]
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] == "http"
    pdb = manifests["PodDisruptionBudget"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = manifests["HorizontalPodAutoscaler"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    # A drain can always proceed and still leave a pod answering.
    assert hpa["spec"]["minReplicas"] > pdb["spec"]["minAvailable"] >= 1
    assert deployment["spec"]["replicas"] >= hpa["spec"]["minReplicas"]
