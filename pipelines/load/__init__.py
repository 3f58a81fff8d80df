"""Loading a file: the hostile-file guard, readers, columns, dates, trackers' shapes, the load itself."""
