"""The network side: `chain/` talks to subtensor, `auth/` decides who may ask; `client`, `challenge` play validator."""
