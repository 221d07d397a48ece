"""Key material and token minting for the authentication tests.

Real keys: the public CDS Hooks sandbox's ES384 key pair (published for testing, Apache-2.0), the
spec's example JWT/JWKS, the Inferno CRD test kit's mixed private/public set; plus RSA keys made
here with `cryptography`. Nothing here is trusted outside tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from tests.conftest import require_shared

SERVICE = "trd-patient-view"
PUBLIC_URL = "https://cds.example.org"
AUDIENCE = f"{PUBLIC_URL}/cds-services/{SERVICE}"
SANDBOX_ISS = "https://sandbox.cds-hooks.org"
RSA_ISS = "https://ehr.example-hospital.org"


def cds_hooks_dir() -> Path:
    return require_shared() / "cds-hooks"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class SigningKey:
    """A private key with its kid and alg, and the public JWK a verifier gets."""

    kid: str
    alg: str
    private: Any
    public_jwk: dict[str, Any]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}

    def public_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def sandbox_key() -> SigningKey:
    """The public CDS Hooks sandbox's ES384 key pair (../shared/cds-hooks/cds-hooks__sandbox)."""
    pair = json.loads((cds_hooks_dir() / "cds-hooks__sandbox/keys/jwk-keypair.json").read_text())
    jwk = pair["keys"][0]
    public = json.loads(
        (cds_hooks_dir() / "cds-hooks__sandbox/build/.well-known/jwks.json").read_text()
    )["keys"][0]
    return SigningKey(jwk["kid"], "ES384", jwt.PyJWK(jwk).key, public)


def crd_rsa_key() -> SigningKey:
    """The Inferno CRD test kit's RS384 key pair (its crd_jwks.json holds both halves)."""
    path = (
        cds_hooks_dir()
        / "inferno-framework__davinci-crd-test-kit/lib/davinci_crd_test_kit/crd_jwks.json"
    )
    keys = json.loads(path.read_text())["keys"]
    private = next(k for k in keys if k["kty"] == "RSA" and "d" in k)
    public = next(k for k in keys if k["kty"] == "RSA" and "d" not in k)
    return SigningKey(private["kid"], "RS384", jwt.PyJWK(private, algorithm="RS384").key, public)


def new_rsa_key(kid: str | None = None, alg: str = "RS384", bits: int = 2048) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    public = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    kid = kid or uuid.uuid4().hex
    public.update({"kid": kid, "alg": alg, "use": "sig"})
    return SigningKey(kid, alg, private, public)


def new_ec_key(kid: str, curve: ec.EllipticCurve | None = None, alg: str = "ES384") -> SigningKey:
    private = ec.generate_private_key(curve or ec.SECP384R1())
    public = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    public.update({"kid": kid, "use": "sig"})
    return SigningKey(kid, alg, private, public)


@dataclass
class Minter:
    """Mints CDS-client JWTs: valid by default, every part overridable."""

    key: SigningKey
    iss: str
    aud: str | list[str] = AUDIENCE
    lifetime: int = 300
    headers: dict[str, Any] = field(default_factory=dict)

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.iss,
            "aud": self.aud,
            "iat": now,
            "exp": now + self.lifetime,
            "jti": str(uuid.uuid4()),
        }
        for name, value in overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return claims

    def token(self, headers: dict[str, Any] | None = None, key: Any = None, **claims: Any) -> str:
        header = {"kid": self.key.kid, "typ": "JWT", **self.headers, **(headers or {})}
        return jwt.encode(
            self.claims(**claims), key or self.key.private, algorithm=self.key.alg, headers=header
        )

    def unsigned(self, **claims: Any) -> str:
        """An `alg: none` token (RFC 7519 6.1): header.payload. with an empty signature."""
        header = {"alg": "none", "typ": "JWT", "kid": self.key.kid}
        return ".".join(
            [
                b64url(json.dumps(header).encode()),
                b64url(json.dumps(self.claims(**claims)).encode()),
                "",
            ]
        )

    def hs256_with_public_key(self, **claims: Any) -> str:
        """The algorithm-confusion attack: HS256 keyed with the issuer's *public* key (PEM)."""
        header = {"alg": "HS256", "typ": "JWT", "kid": self.key.kid}
        signing_input = ".".join(
            [
                b64url(json.dumps(header).encode()),
                b64url(json.dumps(self.claims(**claims)).encode()),
            ]
        )
        mac = hmac.new(self.key.public_pem(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(mac)}"


def tamper_payload(token: str, **changes: Any) -> str:
    """Change claims but keep the original signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"
