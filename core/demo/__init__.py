"""The demo repository: a real Butler repository that looks like AuxTel at USDF, generated, never committed."""
