"""Containment: limits, temporary folders, the confining launcher for every tool run."""
