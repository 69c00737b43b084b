// ELK's own worker build: it installs its message dispatcher on the worker's global scope.
import 'elkjs/lib/elk-worker.min.js';
