"""Jobs in worker threads as the app sees them: start, poll in a fragment, stop, collect, the sidebar line."""
