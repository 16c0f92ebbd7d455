export { type AslDefinition, type AslState, aslToMermaid } from './asl-mermaid.ts';
export {
  DiagramMarkerMissingError,
  GENERATED_DIAGRAMS,
  type GeneratedDiagram,
  renderDiagramFiles,
  withDiagram,
} from './generated-diagrams.ts';
