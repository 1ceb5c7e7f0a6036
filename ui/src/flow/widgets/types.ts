import type { ConstantValue, InputSchema } from '@reelgraph/graph';
import type { ComponentType } from 'react';

export interface WidgetProps {
  nodeId: string;
  name: string;
  label: string;
  schema: InputSchema;
  value: ConstantValue | undefined;
  invalid: boolean;
  onChange(value: ConstantValue): void;
}

export type WidgetComponent = ComponentType<WidgetProps>;
