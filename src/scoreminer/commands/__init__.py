"""The CLI's commands, one module per family; `scoreminer.cli` registers them on the app."""
