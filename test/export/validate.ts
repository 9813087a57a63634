// Validates exported objects offline: Kubernetes kinds with `kubernetes-models` (the
// OpenAPI schemas of the Kubernetes API, as ajv validators), KubeVirt VirtualMachines
// with the schema below, since no KubeVirt models package exists on npm.
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { RuntimeClass } from 'kubernetes-models/node.k8s.io/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { isDnsLabel } from '../../server/src/core/names';

/**
 * The VirtualMachine fields the export writes, written by hand from the KubeVirt API
 * reference (kubevirt.io/v1: VirtualMachine, VirtualMachineSpec,
 * VirtualMachineInstanceSpec, DomainSpec, CPU, Memory, Devices, Disk, Volume,
 * DataVolumeTemplateSpec; CDI's DataVolumeSpec for the templates), with the same
 * required fields and enumerations. It is closed (`additionalProperties: false`) at the
 * levels the export fills, so a misspelt field fails; the Kubernetes parts inside it
 * (affinity, topologySpreadConstraints) are checked by their own models elsewhere.
 */
const quantity = { anyOf: [{ type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$' }, { type: 'integer', minimum: 0 }] };
const labels = { type: 'object', additionalProperties: { type: 'string' } };
const objectMeta = {
  type: 'object',
  properties: { name: { type: 'string' }, labels, annotations: labels },
  additionalProperties: false,
};
export const VIRTUAL_MACHINE_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'kubevirt.io/v1' },
    kind: { const: 'VirtualMachine' },
    metadata: { ...objectMeta, required: ['name'] },
    spec: {
      type: 'object',
      required: ['template'],
      additionalProperties: false,
      properties: {
        runStrategy: { enum: ['Always', 'RerunOnFailure', 'Once', 'Manual', 'Halted', 'WaitAsReceiver'] },
        running: { type: 'boolean' },
        dataVolumeTemplates: {
          type: 'array',
          items: {
            type: 'object',
            required: ['spec'],
            additionalProperties: false,
            properties: {
              metadata: { ...objectMeta, required: ['name'] },
              spec: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  source: { type: 'object', properties: { blank: { type: 'object', additionalProperties: false } }, additionalProperties: false },
                  storage: {
                    type: 'object',
                    additionalProperties: false,
                    properties: {
                      accessModes: { type: 'array', items: { type: 'string' } },
                      storageClassName: { type: 'string' },
                      resources: {
                        type: 'object',
                        additionalProperties: false,
                        properties: { requests: { type: 'object', additionalProperties: false, properties: { storage: quantity } } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        template: {
          type: 'object',
          additionalProperties: false,
          properties: {
            metadata: objectMeta,
            spec: {
              type: 'object',
              required: ['domain'],
              additionalProperties: false,
              properties: {
                domain: {
                  type: 'object',
                  required: ['devices'],
                  additionalProperties: false,
                  properties: {
                    cpu: {
                      type: 'object',
                      additionalProperties: false,
                      properties: { cores: { type: 'integer', minimum: 1 }, sockets: { type: 'integer', minimum: 1 }, threads: { type: 'integer', minimum: 1 } },
                    },
                    memory: { type: 'object', additionalProperties: false, properties: { guest: quantity } },
                    devices: {
                      type: 'object',
                      additionalProperties: false,
                      properties: {
                        disks: {
                          type: 'array',
                          items: {
                            type: 'object',
                            required: ['name'],
                            additionalProperties: false,
                            properties: {
                              name: { type: 'string' },
                              disk: { type: 'object', additionalProperties: false, properties: { bus: { enum: ['virtio', 'sata', 'scsi', 'usb'] } } },
                            },
                          },
                        },
                      },
                    },
                  },
                },
                evictionStrategy: { enum: ['None', 'LiveMigrate', 'LiveMigrateIfPossible', 'External'] },
                nodeSelector: labels,
                affinity: { type: 'object' },
                topologySpreadConstraints: { type: 'array', items: { type: 'object', required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] } },
                volumes: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name'],
                    additionalProperties: false,
                    properties: {
                      name: { type: 'string' },
                      dataVolume: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, hotpluggable: { type: 'boolean' } } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  // `running` and `runStrategy` exclude each other.
  not: { properties: { spec: { required: ['running', 'runStrategy'] } }, required: ['spec'] },
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validateVm = ajv.compile(VIRTUAL_MACHINE_SCHEMA);

type Model = new (data: never) => { validate(): void };
const MODELS: Record<string, Model> = {
  'apps/v1 Deployment': Deployment as unknown as Model,
  'apps/v1 StatefulSet': StatefulSet as unknown as Model,
  'batch/v1 Job': Job as unknown as Model,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as Model,
  'node.k8s.io/v1 RuntimeClass': RuntimeClass as unknown as Model,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim as unknown as Model,
};

/** Throws (through assert) unless the object is valid for its kind, and its names valid DNS-1123 labels. */
export function validateObject(o: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }, where = ''): void {
  const key = `${String(o.apiVersion)} ${String(o.kind)}`;
  if (key === 'kustomize.config.k8s.io/v1beta1 Kustomization') return;
  assert.ok(typeof o.metadata?.name === 'string' && isDnsLabel(o.metadata.name), `${where} ${key}: name ${JSON.stringify(o.metadata?.name)} is not a DNS-1123 label`);
  if (key === 'kubevirt.io/v1 VirtualMachine') {
    assert.ok(validateVm(o), `${where} ${key} ${o.metadata.name}: ${ajv.errorsText(validateVm.errors)}`);
    return;
  }
  const model = MODELS[key];
  assert.ok(model, `${where}: no validator for ${key}`);
  try {
    new model(o as never).validate();
  } catch (e) {
    assert.fail(`${where} ${key} ${String(o.metadata?.name)}: ${(e as Error).message}`);
  }
}
