import type { WidgetKind } from '@reelgraph/graph';
import { ComboWidget, SocketWidget, TextWidget, ToggleWidget } from './BasicWidgets';
import { ImageWidget } from './ImageWidget';
import { NumberWidget, SliderWidget } from './NumberWidget';
import { SeedWidget } from './SeedWidget';
import type { WidgetComponent } from './types';

/** Every widget kind the catalog can name; a kind without a component is a compile error. */
export const widgets: Record<WidgetKind, WidgetComponent> = {
  number: NumberWidget,
  slider: SliderWidget,
  combo: ComboWidget,
  text: TextWidget,
  toggle: ToggleWidget,
  seed: SeedWidget,
  image: ImageWidget,
  socket: SocketWidget,
};
