// Two descriptor files of one fleet: hosts in one, workloads in the other, with a few
// deliberate mistakes for the diagnostics and fixes to work on.

export const HOSTS = `version: 1
hosts:
  - name: esx-01
    role: hypervisor
    hypervisor: esxi
    runtime: containerd
    cpu: 64
    memory: 512Gi
    site: dc-east
  - name: k8s-01
    role: container-host
    runtime: containerd
    os: linux
    cpu: 32
    memory: 128Gi
`;

export const APPS = `version: 1
workloads:
  # The shop's API: elastic, stateless, declared as a VM (against the advice).
  - name: checkout-api
    os: linux
    architecture: microservice
    state: stateless
    scaling: { min: 2, max: 20 }
    startup: fast
    resources: { cpu: 500m, memory: 512Mi }
    deploy: vm
  - name: orders-db
    os: linux
    architecture: monolith
    state: stateful
    deploy: container
    host: k8s-01
  - name: legacy
    os: linux
    kernel: custom
    replicaz: 2
    hosts: [esx-02]
  - name: reports
    os: linux
    architecture: batch
    state: stateless
    startup: fast
`;

export const FILES = { 'hosts.workload.yaml': HOSTS, 'apps.workload.yaml': APPS };
