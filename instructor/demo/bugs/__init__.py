"""Planted bugs, one module per lab: ``BUGS``, a tuple of ``PlantedBug``."""
