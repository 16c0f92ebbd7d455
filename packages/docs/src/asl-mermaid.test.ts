import { describe, expect, it } from 'vitest';
import { type AslDefinition, aslToMermaid } from './asl-mermaid.ts';

const definition: AslDefinition = {
  StartAt: 'Reserve',
  States: {
    Reserve: {
      Type: 'Task',
      Next: 'Paid',
      Retry: [{ ErrorEquals: ['TransientError'] }],
      Catch: [
        { ErrorEquals: ['OutOfStock'], Next: 'Rejected' },
        { ErrorEquals: ['States.ALL'], Next: 'Failed' },
      ],
    },
    Paid: {
      Type: 'Choice',
      Choices: [{ Variable: '$.payment.status', StringEquals: 'CAPTURED', Next: 'Done' }],
      Default: 'Notify',
    },
    Notify: { Type: 'Task', End: true },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail' },
    Failed: { Type: 'Fail' },
  },
};

describe('aslToMermaid', () => {
  const diagram = aslToMermaid(definition);

  it('starts at StartAt and draws every state with its kind', () => {
    expect(diagram.split('\n')[0]).toBe('flowchart TD');
    expect(diagram).toContain('start((start)) --> Reserve');
    expect(diagram).toContain('Reserve["Reserve ↻"]');
    expect(diagram).toContain('Paid{"Paid"}');
    expect(diagram).toContain('Done(["Done"]):::succeed');
    expect(diagram).toContain('Rejected(["Rejected"]):::fail');
  });

  it('draws Next as arrows, Catch as dotted arrows named by their errors, choices by their condition', () => {
    expect(diagram).toContain('Reserve --> Paid');
    expect(diagram).toContain('Reserve -.->|"OutOfStock"| Rejected');
    expect(diagram).toContain('Reserve -.->|"any error"| Failed');
    expect(diagram).toContain('Paid -->|"$.payment.status == CAPTURED"| Done');
    expect(diagram).toContain('Paid -->|default| Notify');
    expect(diagram).toContain('Notify --> finish((end))');
  });

  it('changes when the definition does, so a committed diagram cannot drift unnoticed', () => {
    const changed: AslDefinition = {
      ...definition,
      States: { ...definition.States, Reserve: { Type: 'Task', Next: 'Done' } },
    };
    expect(aslToMermaid(changed)).not.toBe(diagram);
  });
});
