"""Chat platforms: each subpackage implements the core's ports for one platform."""
