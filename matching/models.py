"""Models of this app are added by their own issue."""
