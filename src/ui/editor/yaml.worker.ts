// monaco-yaml's language worker, re-exported from our own file (Vite needs a local entry for it).
import 'monaco-yaml/yaml.worker.js';
