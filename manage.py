#!/usr/bin/env python
from innobridge.cli import main

if __name__ == "__main__":
    main()
