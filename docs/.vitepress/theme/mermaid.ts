// Renders a Mermaid diagram in the browser. Mermaid's prebuilt bundle is copied to
// public/vendor/ by the docs generator and loaded once, on the first page that has a diagram:
// bundling it through Vite would add tens of seconds to every build for no gain.

import { useData, withBase } from 'vitepress';
import { defineComponent, h, onMounted, ref } from 'vue';

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}

let loading: Promise<MermaidApi> | undefined;
let counter = 0;

function loadMermaid(): Promise<MermaidApi> {
  loading ??= new Promise<MermaidApi>((resolve, reject) => {
    const existing = (window as { mermaid?: MermaidApi }).mermaid;
    if (existing) return resolve(existing);
    const script = document.createElement('script');
    script.src = withBase('/vendor/mermaid.min.js');
    script.async = true;
    script.onload = () => {
      const api = (window as { mermaid?: MermaidApi }).mermaid;
      if (api) resolve(api);
      else reject(new Error('mermaid.min.js loaded but defined no window.mermaid'));
    };
    script.onerror = () => reject(new Error(`could not load ${script.src}`));
    document.head.appendChild(script);
  });
  return loading;
}

function decode(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export const KitMermaid = defineComponent({
  name: 'KitMermaid',
  props: { code: { type: String, required: true } },
  setup(props) {
    const svg = ref('');
    const state = ref<'pending' | 'ok' | 'error'>('pending');
    const failure = ref('');
    const { isDark } = useData();
    onMounted(async () => {
      const source = decode(props.code);
      try {
        const mermaid = await loadMermaid();
        mermaid.initialize({
          startOnLoad: false,
          securityLevel: 'strict',
          theme: isDark.value ? 'dark' : 'default',
        });
        counter += 1;
        const result = await mermaid.render(`kit-mermaid-${counter}`, source);
        svg.value = result.svg;
        state.value = 'ok';
      } catch (error) {
        failure.value = error instanceof Error ? error.message : String(error);
        state.value = 'error';
        console.error(`Mermaid diagram failed to render: ${failure.value}`);
      }
    });
    return () =>
      h('div', { class: 'kit-mermaid', 'data-state': state.value }, [
        state.value === 'ok'
          ? h('div', { class: 'kit-mermaid-svg', innerHTML: svg.value })
          : h(
              'pre',
              { class: 'kit-mermaid-source' },
              state.value === 'error' ? `Diagram failed: ${failure.value}` : decode(props.code),
            ),
      ]);
  },
});
