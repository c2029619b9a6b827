"""The simulator's web dashboard: see the pet, stroke it with the mouse, watch it decide."""
