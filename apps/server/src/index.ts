// nemesisdb: placeholder, nothing is exported yet. The runnable `nemesisdb` server: command line, upstream v5 config file, logging, signals.
export {};
