"""Who may call and what a call may do: JWT verification, JWKS, jti replay, tenancy."""
