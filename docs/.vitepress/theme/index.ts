import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { KitMermaid } from './mermaid';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('KitMermaid', KitMermaid);
  },
};

export default theme;
