"""The challenge route of each protocol; `server.app` mounts the one PROTOCOL names."""
