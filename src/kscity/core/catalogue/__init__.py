"""Pure catalogue logic: registration numbers, row validation and mapping, synthetic generation."""
