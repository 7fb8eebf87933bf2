"""hubgen: turn a folder of YAML records into a two-variant Material for MkDocs hub."""

__version__ = "0.1.0"
