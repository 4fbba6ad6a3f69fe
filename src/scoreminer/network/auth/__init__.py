"""Request authentication: hotkeys, fiber-style signing, nonces and the verification of a validator's request."""
