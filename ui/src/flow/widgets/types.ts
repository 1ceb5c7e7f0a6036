import type { ConstantValue, InputSchema, ResolvedModel } from '@reelgraph/graph';
import type { ComponentType } from 'react';

export interface WidgetProps {
  nodeId: string;
  name: string;
  label: string;
  schema: InputSchema;
  value: ConstantValue | undefined;
  invalid: boolean;
  /** The model linked upstream, for inputs with a `modelRule`. */
  model?: ResolvedModel;
  onChange(value: ConstantValue): void;
}

export type WidgetComponent = ComponentType<WidgetProps>;
