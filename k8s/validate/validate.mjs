// Reads rendered manifests (kubectl kustomize DIR) on standard input and validates every
// object against its API schema: the Kubernetes API's own, and the CRDs of cert-manager and the
// Prometheus Operator. Prints "valid KIND NAME" per object; exits 1 on the first invalid one.
// With --json, the "valid" lines go to standard error and standard output gets the objects as
// one JSON array (for tests that check the manifests against the code).
import { parseAllDocuments } from "yaml";

const packages = {
  "cert-manager.io": "@kubernetes-models/cert-manager",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

const input = await new Promise((resolve) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
});

const json = process.argv.includes("--json");
const say = json ? console.error : console.log;
const objects = [];
let count = 0;
for (const doc of parseAllDocuments(input)) {
  if (doc.errors.length) {
    console.error("not YAML: " + doc.errors[0].message);
    process.exit(1);
  }
  const obj = doc.toJS();
  if (!obj) continue;
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const module = group === null ? `kubernetes-models/${version}`
    : packages[group] ? `${packages[group]}/${group}/${version}` : `kubernetes-models/${group}/${version}`;
  let models;
  try {
    models = await import(module);
  } catch (e) {
    console.error(`no schema for ${obj.apiVersion} ${obj.kind} (${module})`);
    process.exit(1);
  }
  const Model = models[obj.kind];
  if (!Model) {
    console.error(`unknown kind ${obj.kind} in ${obj.apiVersion}`);
    process.exit(1);
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    console.error(`invalid ${obj.kind} ${obj.metadata?.name}: ${e.message}`);
    process.exit(1);
  }
  say(`valid ${obj.kind} ${obj.metadata?.name}`);
  objects.push(obj);
  count++;
}
if (count === 0) {
  console.error("no objects on standard input");
  process.exit(1);
}
if (json) {
  console.log(JSON.stringify(objects));
}
