"""What one visitor owns: session state, the workspace and share links, the run store, data loading."""
