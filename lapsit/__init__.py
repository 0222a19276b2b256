"""lapsit package."""
