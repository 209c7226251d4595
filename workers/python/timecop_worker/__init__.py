"""Time Cop's Python Temporal worker (task queue time-cop-python): activities only."""
