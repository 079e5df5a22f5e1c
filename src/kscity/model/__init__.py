"""Domain types shared by the pure core and the shells."""
