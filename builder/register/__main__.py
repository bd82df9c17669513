"""``python -m builder.register register …`` / ``… user …`` until the main CLI mounts them."""

from __future__ import annotations

import click

from .commands import register, user

main = click.Group("register", commands={"register": register, "user": user},
                   help="The register of issued forms and staff accounts (see README: the register).")

if __name__ == "__main__":
    main()
